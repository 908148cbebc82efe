"""Per-timestep teacher features for distillation: extraction (3D CNN) and PCA."""
