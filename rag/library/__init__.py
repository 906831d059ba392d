"""The sample library: reading files in any encoding, corpus documents, labels, heading-aware
chunks, and the user's uploads."""
