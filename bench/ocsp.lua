-- wrk script of bench/ocsp.sh: GET requests cycling through a fixed list
-- of OCSP request paths (docs/performance.md, "The OCSP benchmark").
--
--   wrk ... -s bench/ocsp.lua URL -- PATHS [STRIP]
--
-- PATHS holds one path a line ("/ocsp/pubca1/<URL-encoded base64>");
-- STRIP, if given, is cut from the front of each (openssl ocsp takes the
-- base64 right after the first "/"). Each thread starts at its own place
-- in the list, so the connections do not ask for the same certificate at
-- the same moment.

local requests = {}
local count = 0
local next_index = 0

-- wrk normally opens and closes one connection to the server before the
-- run, to check the address. OpenSSL 3.0's 'openssl ocsp -port' then
-- loops forever reading the end of that connection, which carried no
-- request, and answers nobody. Look the address up without connecting.
wrk.resolve = function(host, service)
	wrk.addrs = wrk.lookup(host, service)
end

-- In the main Lua state: number the threads; each thread's own state
-- then finds its number in the global tid.
local threads_made = 0
function setup(thread)
	threads_made = threads_made + 1
	thread:set("tid", threads_made)
end

function init(args)
	local strip = args[2] or ""
	for line in io.lines(args[1]) do
		local path = line
		if strip ~= "" and path:sub(1, #strip) == strip then
			path = path:sub(#strip + 1)
		end
		count = count + 1
		requests[count] = wrk.format("GET", path)
	end
	if count == 0 then
		error("no request paths in " .. args[1])
	end
	next_index = ((tid or 1) * 7919) % count
end

function request()
	next_index = next_index % count + 1
	return requests[next_index]
end
