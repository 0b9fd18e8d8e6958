"""The pure-Python core of NOS Hub: the NOS model, parsers and analysis.

Nothing in this package imports Django or any web framework.
"""
