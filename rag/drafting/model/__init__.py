"""The model writer: provider presets, the streamed call, prompts, and the section writer."""
