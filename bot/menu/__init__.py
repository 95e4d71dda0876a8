"""The menu: the main screen, modules, progress, settings, help, pausing and erasing."""
