"""Django-free health algorithms: FHIR R4 validation and Bundles, consent rules, the clinic
calendar, device CSV parsing, payload encryption and differentially private statistics.

Everything here takes and returns plain data (dicts, dataclasses), so it is tested alone.
"""
