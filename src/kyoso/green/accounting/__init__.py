"""CO2 accounting with no Django in it: official factor lists, units, scopes, baselines,
abatement plans, local PV and EV leases. Plain data in, plain data out, so every number can be
tested and benchmarked alone."""
