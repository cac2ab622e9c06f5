//! Byte fixtures for the application parsers.
