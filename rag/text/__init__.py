"""Text helpers with no knowledge of plans: web-page cleaning, jieba tokens, Chinese numerals,
sentences and headings. Imports nothing else of the engine."""
