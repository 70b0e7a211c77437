"""ecomap domain: the ecomap/1 document, the measures, line styles, synthetic data.

Pure: imports nothing of ``graph``, ``api`` or ``web``.
"""
