// wire/ door: everything other folders may import from wire/ is re-exported here.
