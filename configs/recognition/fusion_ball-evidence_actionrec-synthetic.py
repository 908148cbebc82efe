# Detector fusion for the synthetic action-recognition set (tools/recognition/ensemble.py
# --fusion-config): 'stand_with_ball' is 'stand' plus a ball, so the detector's ball score
# (max over each video's sampled frames) decides between the two. A rule, not a learned
# combiner: the rule is the class definition, and a combiner fitted on a few validation
# videos per fold would overfit (see DetectorEvidenceFusion).
default_scope = 'mmsport'
det_categories = ('ball', 'person')  # the detector config's class order
fusion = dict(type='DetectorEvidenceFusion', mode='rule',
              rules=[dict(category='ball', target='stand_with_ball', confusers=['stand'],
                          threshold=0.5, boost=1.0)])
