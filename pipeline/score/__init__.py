"""Score a profile against a job: the job definition file and the ranker (a pure,
deterministic function of profile and job that explains every point).
"""
