"""Work behaviours: the reference catalogues (ESCO transversal skills, IfATE behaviours, O*NET
Work Styles, Scotland's Meta-skills), the detector (is a statement a behaviour?), the mapper
(statement → concepts of another catalogue, with a SKOS link type) and the grouping of found
statements into named behaviours. No Django here: the `noshub.behaviours` app stores and serves them.
"""
