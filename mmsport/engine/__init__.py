"""Engine extensions (hooks, loops) that mmengine lacks. None are needed yet."""
