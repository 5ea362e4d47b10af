"""Audit the screening for fairness: counterfactual rewrites of resumes and adverse impact."""
