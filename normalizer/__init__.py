"""The query side of placenorm: folding, index, ranking and the Normalizer library API."""
