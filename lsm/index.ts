// lsm/ door: everything other folders may import from lsm/ is re-exported here.
