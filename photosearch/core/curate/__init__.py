"""Curate: helping people tidy their library without ever losing a photo.

Exact and near duplicates (grouped, checked again just before anything moves), albums
that learn from marks, and the trash with Undo.
"""
