"""Dataset preparation: turn a raw dataset layout into the files the datasets read."""
