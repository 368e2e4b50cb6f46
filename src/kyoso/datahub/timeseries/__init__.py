"""Django-free time-series arithmetic: rollup buckets and their merge, and the monthly
partition plan of the readings table (names, bounds, which to create and which to drop)."""

from kyoso.datahub.timeseries.partitions import MonthPartition, partition_plan
from kyoso.datahub.timeseries.rollup import PERIODS, Aggregate, bucket_start, rollup

__all__ = ["PERIODS", "Aggregate", "MonthPartition", "bucket_start", "partition_plan", "rollup"]
