// planner/ door: everything other folders may import from planner/ is re-exported here.
