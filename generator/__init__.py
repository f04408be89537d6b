"""klinggen: render a typed fal client package for Kling from the spec in spec/."""

__version__ = "0.1.0"
