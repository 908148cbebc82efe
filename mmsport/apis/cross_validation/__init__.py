"""Cross-validation runners: train every fold, then predict and ensemble the folds."""
