"""The widget-free core: parsing, annotations, anchoring and storage. Imports no Qt."""
