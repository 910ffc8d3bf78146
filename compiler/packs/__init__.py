"""Packs: assembly (which plans, actions and exhibits a pack holds, how they group) and one unit per pack.

The pack profiles (packs/*.yaml) are the list of packs (compiler.packs.registry). Each names a module
`compiler.packs.<name>` whose `write(job)` builds its view (compiler.views), lays it out with the kits
(compiler.render) and writes its files into the staging folder.
"""
