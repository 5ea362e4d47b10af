"""Find skills and judge competencies: the versioned skill lexicon, the spaCy matcher, the
competency classifier (training, model card, the real-resume dev set) and the profile they
build together.
"""
