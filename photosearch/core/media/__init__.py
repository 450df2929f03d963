"""Media: what a photo file holds, read without the catalog or the model.

Decoding photos upright and small (JPEG draft mode, HEIF), the thumbnail cache and its
budget, metadata from EXIF/XMP/IPTC headers, the details shown beside a photo, and the OCR
reader that finds the words in a photo. Nothing here knows about SQLite or OpenCLIP; the
rooms above call it.
"""
