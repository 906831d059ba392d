"""Drafting a plan: the pipeline, the writer protocol, the offline composer and the model writer."""
