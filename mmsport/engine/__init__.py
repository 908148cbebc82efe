"""Engine extensions mmengine lacks: checked checkpoint loading (:mod:`.checkpoint`)."""
