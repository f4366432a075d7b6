"""Provided, ungraded code: the MNIST loader and plotting helpers."""
