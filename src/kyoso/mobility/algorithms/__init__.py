"""Transit algorithms and formats with no Django: GTFS / GTFS-RT parsing and validation, timetables, RAPTOR, the simulator."""
