-- Placeholder for the serving branch's migration 0004 (endpoints, deployments): migrations must be numbered
-- without gaps and jobs take 0005. At merge, take the serving branch's file in place of this one.
SELECT 1;
