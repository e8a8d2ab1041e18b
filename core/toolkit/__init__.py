"""The core toolkit: building blocks several plugins reuse, so no plugin copies another
(tabular exports, matching, reporting periods, surveys, plans). Import the submodules directly."""
