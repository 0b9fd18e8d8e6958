"""Sentence vectors shared by search and SOC coding: the embedding model and its cache file."""
