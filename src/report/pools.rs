//! Renders `list` and `show`: tables laid out like `calicoctl get ippool -o wide` (upper-case
//! headers, columns three spaces apart), or versioned JSON/YAML documents with every figure. The
//! figures come from `live::inspect`; nothing here computes beyond formatting.
//!
//! JSON (version 1), `list`: `{"version":1,"api":"crd.projectcalico.org/v1","pools":[{"name",
//! "spec":{effective spec},"defaulted":[fields],"managed_by_operator","usage":{"blocks",
//! "ips_in_use","ips_total","use_percent","per_node":[{"node","blocks","ips_in_use"}]},
//! "nodes_selected":[names] (with -o wide)}]}`. `show` gives one such pool object plus
//! `"nodes_total"`, `"referenced_by":[{"object","annotation"}]` and
//! `"pods":[{"namespace","name","ip","node"}]`. Counts are numbers when they fit in 64 bits,
//! decimal strings beyond.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::cli::TableFormat;
use crate::live::calico::CalicoApi;
use crate::live::inspect::{PoolDetail, PoolRow, SPEC_FIELDS, pods_per_namespace};
use crate::live::usage::{PoolUsage, count_text};
use crate::manifest::emit;

pub const SCHEMA_VERSION: u32 = 1;

fn count(n: u128) -> Value {
    match u64::try_from(n) {
        Ok(n) => json!(n),
        Err(_) => Value::String(n.to_string()),
    }
}

fn usage_json(usage: &PoolUsage) -> Value {
    let per_node: Vec<Value> = usage
        .per_node
        .iter()
        .map(|(node, (blocks, in_use))| {
            json!({"node": node, "blocks": blocks, "ips_in_use": count(*in_use)})
        })
        .collect();
    json!({
        "blocks": usage.blocks,
        "ips_in_use": count(usage.in_use),
        "ips_total": usage.total.map_or(Value::String("340282366920938463463374607431768211456".into()), count),
        "use_percent": (usage.percent() * 100.0).round() / 100.0,
        "per_node": per_node,
    })
}

fn row_json(row: &PoolRow) -> Value {
    let mut value = json!({
        "name": row.name,
        "spec": row.spec,
        "defaulted": row.defaulted,
        "managed_by_operator": row.managed_by_operator,
        "usage": usage_json(&row.usage),
    });
    if let Some(nodes) = &row.nodes_selected {
        value["nodes_selected"] = json!(nodes);
    }
    value
}

fn write_document(out: &mut dyn Write, document: &Value, format: TableFormat) -> io::Result<()> {
    if format == TableFormat::Yaml {
        return out.write_all(emit::to_yaml(document).as_bytes());
    }
    serde_json::to_writer_pretty(&mut *out, document).map_err(io::Error::from)?;
    writeln!(out)
}

/// Columns three spaces apart, like Go's tabwriter with calicoctl's padding.
fn write_table(out: &mut dyn Write, rows: &[Vec<String>]) -> io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                let pad = widths[c] - cell.chars().count() + 3;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn percent_text(usage: &PoolUsage) -> String {
    format!("{:.0}%", usage.percent())
}

pub fn render_list(
    out: &mut dyn Write,
    rows: &[PoolRow],
    format: Option<TableFormat>,
    api: &CalicoApi,
) -> io::Result<()> {
    if let Some(format @ (TableFormat::Json | TableFormat::Yaml)) = format {
        let document = json!({
            "version": SCHEMA_VERSION,
            "api": api.pools.api_version(),
            "pools": rows.iter().map(row_json).collect::<Vec<_>>(),
        });
        return write_document(out, &document, format);
    }
    let wide = format == Some(TableFormat::Wide);
    let mut header: Vec<&str> = vec![
        "NAME",
        "CIDR",
        "NAT",
        "IPIPMODE",
        "VXLANMODE",
        "DISABLED",
        "DISABLEBGPEXPORT",
        "SELECTOR",
        "ASSIGNMENTMODE",
        "BLOCKS",
        "IPS USED/TOTAL",
        "USE%",
    ];
    if wide {
        header.extend([
            "BLOCKSIZE",
            "ALLOWEDUSES",
            "NSSELECTOR",
            "NODES",
            "MANAGEDBY",
        ]);
    }
    let mut table = vec![header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    for row in rows {
        let spec = &row.spec;
        let mut cells = vec![
            row.name.clone(),
            spec.cidr.clone(),
            spec.nat_outgoing.to_string(),
            spec.ipip_mode.clone(),
            spec.vxlan_mode.clone(),
            spec.disabled.to_string(),
            spec.disable_bgp_export.to_string(),
            spec.node_selector.clone(),
            spec.assignment_mode.clone(),
            row.usage.blocks.to_string(),
            format!(
                "{}/{}",
                count_text(Some(row.usage.in_use)),
                count_text(row.usage.total)
            ),
            percent_text(&row.usage),
        ];
        if wide {
            cells.extend([
                spec.block_size
                    .map_or_else(|| "-".to_owned(), |b| b.to_string()),
                spec.allowed_uses.join(","),
                if spec.namespace_selector.is_empty() {
                    "-".to_owned()
                } else {
                    spec.namespace_selector.clone()
                },
                row.nodes_selected
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |n| n.len().to_string()),
                if row.managed_by_operator {
                    "tigera-operator".to_owned()
                } else {
                    "-".to_owned()
                },
            ]);
        }
        table.push(cells);
    }
    if rows.is_empty() {
        return writeln!(out, "No IPPools found.");
    }
    write_table(out, &table)?;
    let in_use: u128 = rows.iter().map(|r| r.usage.in_use).sum();
    let blocks: usize = rows.iter().map(|r| r.usage.blocks).sum();
    writeln!(
        out,
        "\n{} {}, {blocks} {}, {} {} in use.",
        rows.len(),
        if rows.len() == 1 { "pool" } else { "pools" },
        if blocks == 1 { "block" } else { "blocks" },
        count_text(Some(in_use)),
        if in_use == 1 { "address" } else { "addresses" },
    )
}

pub fn render_show(
    out: &mut dyn Write,
    detail: &PoolDetail,
    format: Option<TableFormat>,
    api: &CalicoApi,
) -> io::Result<()> {
    let row = &detail.row;
    if let Some(format @ (TableFormat::Json | TableFormat::Yaml)) = format {
        let mut document = row_json(row);
        document["version"] = json!(SCHEMA_VERSION);
        document["api"] = json!(api.pools.api_version());
        document["nodes_total"] = json!(detail.nodes_total);
        document["referenced_by"] = json!(detail.referenced_by);
        document["pods"] = json!(detail.pods);
        return write_document(out, &document, format);
    }
    let wide = format == Some(TableFormat::Wide);
    writeln!(out, "Name:        {}", row.name)?;
    writeln!(out, "API:         {}", api.pools.api_version())?;
    if row.managed_by_operator {
        writeln!(
            out,
            "Managed by:  tigera-operator (change it through the Installation)"
        )?;
    }
    writeln!(out, "Spec:")?;
    let spec = serde_json::to_value(&row.spec).unwrap_or(Value::Null);
    for field in SPEC_FIELDS {
        let value = match &spec[field] {
            Value::String(s) if s.is_empty() => "\"\"".to_owned(),
            Value::String(s) => s.clone(),
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            Value::Null => "-".to_owned(),
            other => other.to_string(),
        };
        let mark = if row.defaulted.contains(&field) {
            "   (default)"
        } else {
            ""
        };
        writeln!(out, "  {:<19}{value}{mark}", format!("{field}:"))?;
    }
    let usage = &row.usage;
    let slots = row
        .spec
        .block_size
        .zip(row.spec.cidr.parse::<ipnet::IpNet>().ok())
        .and_then(|(size, net)| {
            let bits = u32::try_from(size - i64::from(net.prefix_len())).ok()?;
            1u128.checked_shl(bits)
        });
    writeln!(
        out,
        "Usage:       {} of {} addresses in use ({}), {} of {} blocks",
        count_text(Some(usage.in_use)),
        count_text(usage.total),
        percent_text(usage),
        usage.blocks,
        slots.map_or_else(|| "?".to_owned(), |s| count_text(Some(s))),
    )?;
    if !usage.per_node.is_empty() {
        writeln!(out, "Blocks per node:")?;
        let mut table = vec![vec![
            "  NODE".to_owned(),
            "BLOCKS".to_owned(),
            "IPS IN USE".to_owned(),
        ]];
        for (node, (blocks, in_use)) in &usage.per_node {
            table.push(vec![
                format!("  {}", node.as_deref().unwrap_or("(no affinity)")),
                blocks.to_string(),
                count_text(Some(*in_use)),
            ]);
        }
        write_table(out, &table)?;
    }
    if let Some(nodes) = &row.nodes_selected {
        let listed = if wide || nodes.len() <= 10 {
            nodes.join(", ")
        } else {
            format!("{}, … (-o wide lists all)", nodes[..10].join(", "))
        };
        writeln!(
            out,
            "Nodes:       selects {} of {}{}{listed}",
            nodes.len(),
            detail.nodes_total,
            if nodes.is_empty() { "" } else { ": " },
        )?;
    }
    if detail.referenced_by.is_empty() {
        writeln!(out, "Named by:    no namespace, pod or workload annotation")?;
    } else {
        writeln!(out, "Named by:")?;
        for reference in &detail.referenced_by {
            writeln!(out, "  {}  ({})", reference.object, reference.annotation)?;
        }
    }
    writeln!(
        out,
        "Pods:        {} with addresses in {}",
        detail.pods.len(),
        row.spec.cidr
    )?;
    if wide {
        let mut table = vec![vec![
            "  NAMESPACE".to_owned(),
            "POD".to_owned(),
            "IP".to_owned(),
            "NODE".to_owned(),
        ]];
        for pod in &detail.pods {
            table.push(vec![
                format!("  {}", pod.namespace),
                pod.name.clone(),
                pod.ip.clone(),
                pod.node.clone(),
            ]);
        }
        if !detail.pods.is_empty() {
            write_table(out, &table)?;
        }
    } else {
        let mut table = vec![vec!["  NAMESPACE".to_owned(), "PODS".to_owned()]];
        for (namespace, pods) in pods_per_namespace(&detail.pods) {
            table.push(vec![format!("  {namespace}"), pods.to_string()]);
        }
        if table.len() > 1 {
            write_table(out, &table)?;
        }
    }
    Ok(())
}
