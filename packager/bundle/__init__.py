"""The distribution bundle: the folder a trainer opens, its disc image, checksums, and `verify`.

`build.make_bundle` assembles `dist/<slug>-<target>/` from the render and documents outputs;
`verify.verify` checks any copy (folder, mounted disc, .iso) against its SHA256SUMS.
"""
