"""Declared services (issue 11): a service described in a TOML file is a full service plugin.

The operator writes ``services/<key>.toml`` (or a package ships ``service.toml``); nothing else is
needed: no Python, no migration, no translation catalog. The parts:

* :mod:`.locate` -- the line of every key, so each problem reads ``file:line: key: problem``;
* :mod:`.spec` -- the file format and its checks (:func:`~.spec.load_declaration`);
* :mod:`.forms` -- declared fields as marshmallow fields carrying the field vocabulary;
* :mod:`.build` -- the engine's workflow of one version; :mod:`.versions` -- versions kept in the
  database, so running requests stay on theirs;
* :mod:`.registers` -- record types as real, audited tables, created and altered additively;
* :mod:`.effects` -- the named effects and guards of the core (plugins add more);
* :mod:`.api` -- the registers' REST resources; :mod:`.demo` -- demo data and example walks;
* :mod:`.service` -- :class:`~.service.DeclaredService`, the plugin; :mod:`.loader` -- where
  declarations come from.

See ``docs/declaring-services.md``.
"""
