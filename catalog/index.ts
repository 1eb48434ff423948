// catalog/ door: everything other folders may import from catalog/ is re-exported here.
