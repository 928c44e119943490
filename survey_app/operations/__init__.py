"""Running the app: the purge of what is past its time, and encrypted backups."""
