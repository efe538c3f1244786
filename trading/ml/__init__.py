"""Model building, NumPy only except the exporter.

``mlp``: the scorer's MLP weights (10 -> hidden -> 1) and its NumPy forward pass, the reference
any exported model must match. ``export``: writes an ``MLP`` as a ``.tflite`` flatbuffer with
the ``tflite`` schema package and ``flatbuffers`` (no TensorFlow), atomically. The scoring side
(``trading.ai.predictor``) loads that file with LiteRT.
"""
