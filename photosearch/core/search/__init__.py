"""Search: from what the user typed or dropped to ranked photos.

Parsing the query language, ranking by vectors and words with the score cut-off and
sorting (``searcher``), steering by 👍/👎 marks (``feedback``), and the stand-in model that
answers while a new model catches up.
"""
