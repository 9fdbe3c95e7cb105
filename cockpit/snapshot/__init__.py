"""The snapshot the views read: contributions, aggregates and open lists
(cockpit.store.snapshots), kept up to date by the refresh job."""
