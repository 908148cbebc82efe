"""Post-processing of saved predictions: spotting submissions and re-spotting of raw
scores, and the video-classifier ensemble (with detector fusion)."""
