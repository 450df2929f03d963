"""Model: the OpenCLIP models and everything needed to run them fast on this computer.

The registry of known models and their downloads, the image encoder, the phrase tower
(the CLIP text side in numpy) and its tokenizer, the number formats (precision), the
devices, the measured fastest path for one typed phrase, the pixels the model takes,
and the ranking check run on imported weights.
"""
