-- Argo CD health check for vigil.dev TelemetryCollector, InstrumentedService and LogParserRule (all report the same way).
-- Lua 5.1 as Argo CD runs it (gopher-lua): base library only, no string library.
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for Vigil to report status"
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and obj.status.observedGeneration ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Vigil has not yet reconciled generation " .. obj.metadata.generation
  return hs
end
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Ready" then
    local message = condition.message
    if message == nil then
      message = condition.reason
    end
    if condition.status == "True" then
      hs.status = "Healthy"
    elseif condition.reason == "ShardsNotReady" or condition.reason == "CollectorNotReady" then
      -- Rolling out: pods are starting or the fleet is; not a failure yet.
      hs.status = "Progressing"
    elseif condition.status == "False" then
      hs.status = "Degraded"
    else
      hs.status = "Progressing"
    end
    hs.message = message
    return hs
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the Ready condition"
return hs
