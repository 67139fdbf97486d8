"""One module per CLI verb, each exposing `command`; kept thin over the stages in packager/."""
