"""Checks on a draft: what a reviewing secretary would mark."""
