"""Index: keeping the catalog in step with the folders.

Scanning folders (new, changed, moved, removed photos), encoding photos into vectors in
batches, watching folders for changes, and the passes after indexing (metadata, places,
faces grouped into people, words read in photos). All long loops report progress and
honour pause and stop.
"""
