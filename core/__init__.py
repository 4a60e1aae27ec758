"""The foundation the other packages stand on: settings, domain records, user errors, output paths.

Nothing here imports another lianjie package; see README "Architecture".
"""
