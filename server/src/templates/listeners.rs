//! Which Lambda target groups the listeners of a template forward to: the default actions of
//! `AWS::ElasticLoadBalancingV2::Listener`s and the actions of `ListenerRule`s (`forward` with a
//! `TargetGroupArn` or `ForwardConfig.TargetGroups`), with the rule's conditions. A target group
//! no listener in view forwards to receives no request through the load balancer, so it is no
//! front door; when listeners may exist out of view, nothing is concluded.

use std::collections::{HashMap, HashSet};

use super::model::{Dialect, Template};
use super::value::{Value, ValueKind};

const TARGET_GROUP: &str = "AWS::ElasticLoadBalancingV2::TargetGroup";
const LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";
const LISTENER_RULE: &str = "AWS::ElasticLoadBalancingV2::ListenerRule";
const LOAD_BALANCER: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";

/// What the listeners in view say about one target group.
#[derive(Debug, PartialEq, Eq)]
pub enum Forwarding {
    /// These listeners and rules forward to it: `listener Listener (default action)`,
    /// `listener rule ApiRule (path /api/*)`.
    Listeners(Vec<String>),
    /// The template shows listeners of its own load balancer, reads every target group they
    /// forward to, and none is this one, whose ARN does not leave the template.
    None,
    /// Not knowable (no listener in view, a forward to a target group not read, the group's ARN
    /// handed elsewhere): as before, the group is taken as a door.
    Unknown,
}

#[derive(Debug, Default)]
pub struct Listeners {
    /// A listener of a load balancer the template declares is in view, every forward's target
    /// group is read, and nothing of the template is unread.
    complete: bool,
    /// Target group logical id → the listeners and rules that forward to it.
    forwards: HashMap<String, Vec<String>>,
    /// Target groups whose ARN leaves the template or reaches a resource that is no listener:
    /// something out of view may forward to them.
    escaped: HashSet<String>,
}

impl Listeners {
    pub fn read(template: &Template) -> Listeners {
        let mut listeners = Listeners {
            complete: !template.partial
                && template.unread.is_empty()
                && template.dialect != Dialect::ServerlessFramework,
            ..Listeners::default()
        };
        let groups: HashSet<&str> = template
            .resources
            .iter()
            .filter(|resource| resource.is(TARGET_GROUP))
            .map(|resource| resource.logical_id.as_str())
            .collect();
        if groups.is_empty() {
            return listeners;
        }
        let mut listener_in_view = false;
        for resource in &template.resources {
            let (actions, route) = match resource.type_name.as_str() {
                LISTENER => {
                    listener_in_view |= resource
                        .property("LoadBalancerArn")
                        .map(|value| template.referenced_resources(value))
                        .unwrap_or_default()
                        .iter()
                        .any(|id| {
                            template
                                .resource(id)
                                .is_some_and(|balancer| balancer.is(LOAD_BALANCER))
                        });
                    (
                        resource.property("DefaultActions"),
                        format!("listener {} (default action)", resource.logical_id),
                    )
                }
                LISTENER_RULE => (
                    resource.property("Actions"),
                    rule_route(
                        template,
                        &resource.logical_id,
                        resource.property("Conditions"),
                    ),
                ),
                TARGET_GROUP => continue,
                _ => {
                    // Another resource given a target group's ARN (a nested stack, a parameter
                    // store entry, a module) may have it forwarded out of view.
                    if !resource.is("AWS::Lambda::Permission")
                        && !resource.is("AWS::ElasticLoadBalancingV2::TargetGroupAttachment")
                    {
                        mentions(
                            template,
                            &resource.definition,
                            &groups,
                            &mut listeners.escaped,
                            8,
                        );
                    }
                    continue;
                }
            };
            if resource.incomplete {
                listeners.complete = false;
            }
            for action in actions.map(Value::items).unwrap_or_default() {
                let mut targets: Vec<&Value> = action.get("TargetGroupArn").into_iter().collect();
                let weighted = action
                    .path(&["ForwardConfig", "TargetGroups"])
                    .map(Value::items)
                    .unwrap_or_default();
                targets.extend(
                    weighted
                        .iter()
                        .filter_map(|group| group.get("TargetGroupArn")),
                );
                for target in targets {
                    let named: Vec<String> = template
                        .referenced_resources(target)
                        .into_iter()
                        .filter(|id| groups.contains(id.as_str()))
                        .collect();
                    if named.is_empty() {
                        listeners.complete = false;
                    }
                    for group in named {
                        let routes = listeners.forwards.entry(group).or_default();
                        if !routes.contains(&route) {
                            routes.push(route.clone());
                        }
                    }
                }
            }
        }
        for output in &template.outputs {
            mentions(template, output, &groups, &mut listeners.escaped, 8);
        }
        listeners.complete &= listener_in_view;
        listeners
    }

    /// What the listeners say about the target group `group` (a logical id).
    pub fn forwarding_to(&self, group: &str) -> Forwarding {
        match self.forwards.get(group) {
            Some(routes) => Forwarding::Listeners(routes.clone()),
            None if self.complete && !self.escaped.contains(group) => Forwarding::None,
            None => Forwarding::Unknown,
        }
    }
}

/// `listener rule ApiRule (path /api/*, host example.com)`: a rule and the conditions it
/// forwards on, as far as they are literal.
fn rule_route(template: &Template, rule: &str, conditions: Option<&Value>) -> String {
    let mut parts = Vec::new();
    for condition in conditions.map(Value::items).unwrap_or_default() {
        let Some(field) = condition.get("Field").and_then(|f| template.string(f)) else {
            continue;
        };
        let (name, config) = match field.as_str() {
            "path-pattern" => ("path", "PathPatternConfig"),
            "host-header" => ("host", "HostHeaderConfig"),
            "http-request-method" => ("method", "HttpRequestMethodConfig"),
            "http-header" => ("header", "HttpHeaderConfig"),
            "source-ip" => ("source IP", "SourceIpConfig"),
            "query-string" => ("query", "QueryStringConfig"),
            _ => continue,
        };
        let values = condition
            .path(&[config, "Values"])
            .or_else(|| condition.get("Values"))
            .map(Value::items)
            .unwrap_or_default();
        let literal: Vec<String> = values
            .iter()
            .filter_map(|value| match value.get("Key").or(value.get("Value")) {
                Some(_) => {
                    let key = value.get("Key").and_then(|k| template.string(k));
                    let wanted = value.get("Value").and_then(|v| template.string(v))?;
                    Some(key.map_or(wanted.clone(), |key| format!("{key}={wanted}")))
                }
                None => template.string(value),
            })
            .collect();
        if literal.is_empty() || literal.len() != values.len() {
            continue;
        }
        let header = condition
            .path(&["HttpHeaderConfig", "HttpHeaderName"])
            .and_then(|name| template.string(name))
            .map(|name| format!(" {name}"))
            .unwrap_or_default();
        parts.push(format!("{name}{header} {}", literal.join(" or ")));
    }
    if parts.is_empty() {
        format!("listener rule {rule}")
    } else {
        format!("listener rule {rule} ({})", parts.join(", "))
    }
}

/// The target groups of `groups` a value names anywhere inside it.
fn mentions(
    template: &Template,
    value: &Value,
    groups: &HashSet<&str>,
    found: &mut HashSet<String>,
    depth: usize,
) {
    if depth == 0 {
        return;
    }
    match &value.kind {
        ValueKind::Intrinsic(call) => {
            for id in template.referenced_resources(value) {
                if groups.contains(id.as_str()) {
                    found.insert(id);
                }
            }
            mentions(template, &call.argument, groups, found, depth - 1);
        }
        ValueKind::Map(entries) => entries
            .iter()
            .for_each(|entry| mentions(template, &entry.value, groups, found, depth - 1)),
        ValueKind::Seq(items) => items
            .iter()
            .for_each(|item| mentions(template, item, groups, found, depth - 1)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::FileKind;

    fn read(text: &str) -> Listeners {
        let tree = crate::text::parse(FileKind::YamlTemplate, text, None).expect("parses");
        let template =
            crate::templates::parse(FileKind::YamlTemplate, &tree, text).expect("template");
        Listeners::read(&template)
    }

    const BALANCER: &str = "Resources:\n  Balancer:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Balancer\n      DefaultActions:\n        - {Type: forward, TargetGroupArn: !Ref Pages}\n  Api:\n    Type: AWS::ElasticLoadBalancingV2::ListenerRule\n    Properties:\n      ListenerArn: !Ref Web\n      Conditions:\n        - Field: path-pattern\n          PathPatternConfig: {Values: [/api/*]}\n        - {Field: http-request-method, Values: [GET, POST]}\n      Actions:\n        - Type: forward\n          ForwardConfig:\n            TargetGroups:\n              - {TargetGroupArn: !Ref Orders, Weight: 1}\n  Pages:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {TargetType: lambda}\n  Orders:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {TargetType: lambda}\n  Spare:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {TargetType: lambda}\n";

    #[test]
    fn default_actions_rules_and_groups_nothing_forwards_to() {
        let listeners = read(BALANCER);
        assert_eq!(
            listeners.forwarding_to("Pages"),
            Forwarding::Listeners(vec!["listener Web (default action)".into()])
        );
        assert_eq!(
            listeners.forwarding_to("Orders"),
            Forwarding::Listeners(vec![
                "listener rule Api (path /api/*, method GET or POST)".into()
            ])
        );
        assert_eq!(listeners.forwarding_to("Spare"), Forwarding::None);
    }

    #[test]
    fn unknown_when_listeners_may_be_out_of_view() {
        // A forward to a target group not read: it may be `Spare`.
        let imported = BALANCER.replace("!Ref Pages}", "!ImportValue pages-group}");
        assert_eq!(read(&imported).forwarding_to("Spare"), Forwarding::Unknown);
        // The group's ARN handed to other stacks.
        let exported = format!("{BALANCER}Outputs:\n  SpareArn:\n    Value: !Ref Spare\n");
        assert_eq!(read(&exported).forwarding_to("Spare"), Forwarding::Unknown);
        // No load balancer of the template: its listeners are elsewhere.
        let elsewhere = BALANCER.replace("LoadBalancerArn: !Ref Balancer", "LoadBalancerArn: arn");
        assert_eq!(read(&elsewhere).forwarding_to("Spare"), Forwarding::Unknown);
    }
}
