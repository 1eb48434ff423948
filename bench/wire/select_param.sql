\set x random(1, 1000000)
SELECT :x::int;
