"""packager: builds the bilingual distribution of a training programme from its sources."""

__version__ = "0.1.0"
