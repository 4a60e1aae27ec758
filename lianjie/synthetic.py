"""A realistic synthetic organisation and its completion data, for the demo and the benchmarks."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强晓东海燕红梅丹"
    "玉兰德明文博子涵浩然思远雨轩嘉怡欣怡梓萱宇航俊杰晨曦立新振华春梅桂芳永红"
)
BUREAUS = [
    ("市委办公室", ""),
    ("市政府办公室", ""),
    ("市委组织部", "people"),
    ("市委宣传部", ""),
    ("市纪委监委", ""),
    ("市发展和改革委员会", ""),
    ("市财政局", "money"),
    ("市审计局", "money"),
    ("市税务局", "money"),
    ("市行政审批服务局", "affairs"),
    ("市自然资源和规划局", "affairs"),
    ("市住房和城乡建设局", "affairs"),
    ("市市场监督管理局", "affairs"),
    ("市人力资源和社会保障局", "people"),
    ("市公共资源交易中心", "money"),
    ("市国有资产监督管理委员会", "money"),
    ("市教育局", ""),
    ("市卫生健康委员会", ""),
    ("市公安局", ""),
    ("市民政局", ""),
    ("市司法局", ""),
    ("市交通运输局", ""),
    ("市水利局", ""),
    ("市农业农村局", ""),
    ("市商务局", ""),
    ("市文化和旅游局", ""),
    ("市生态环境局", ""),
    ("市应急管理局", ""),
    ("市统计局", ""),
    ("市医疗保障局", "money"),
]
SUBORDINATES = ["国库支付中心", "政务服务窗口", "执法支队", "信息中心", "事务中心"]
SECTIONS = [
    "办公室",
    "财务科",
    "人事科",
    "法规科",
    "综合科",
    "业务一科",
    "业务二科",
    "审批科",
    "采购科",
    "监督科",
]
HEADER = [
    "工号",
    "姓名",
    "单位编码",
    "单位名称",
    "上级单位编码",
    "职务",
    "职级",
    "班子职务",
    "分管单位",
    "政治面貌",
    "任现职时间",
    "是否后备干部",
    "纪律状况",
    "处分/函询时间",
    "手机",
    "邮箱",
]


def _name(rng: random.Random) -> str:
    given = rng.choice([GIVEN[i : i + 2] for i in range(0, len(GIVEN) - 1, 2)] + list(GIVEN))
    return rng.choice(SURNAMES) + given


def units_for(count: int) -> list[tuple[str, str, str | None]]:
    """(code, name, parent code) for `count` units: bureaus, then their subordinate centres."""
    units: list[tuple[str, str, str | None]] = []
    rounds = 0
    while len(units) < count:
        for index, (bureau, _) in enumerate(BUREAUS):
            if len(units) >= count:
                break
            code = f"U{len(units) + 1:04d}"
            if rounds == 0:
                units.append((code, bureau, None))
            else:
                parent = f"U{index + 1:04d}"
                units.append(
                    (
                        code,
                        bureau
                        + SUBORDINATES[(index + rounds) % len(SUBORDINATES)]
                        + (str(rounds) if rounds > len(SUBORDINATES) else ""),
                        parent,
                    )
                )
        rounds += 1
    return units


def roster_rows(units: int, per_unit: int, as_of: date, seed: int = 2026) -> list[list[str]]:
    """Rows of a roster: a top leader, team members, section chiefs and staff in every unit."""
    rng = random.Random(seed)
    unit_list = units_for(units)
    children: dict[str, list[str]] = {}
    for code, _, parent in unit_list:
        if parent:
            children.setdefault(parent, []).append(code)
    rows: list[list[str]] = []
    number = 0
    for code, unit_name, parent in unit_list:
        team = max(2, per_unit // 10)
        chiefs = max(3, per_unit // 3)
        for position in range(per_unit):
            number += 1
            if position == 0:
                post, rank, role = (
                    ("党组书记、局长" if "局" in unit_name else "主任"),
                    "division",
                    "主要负责人",
                )
            elif position <= team:
                post, rank, role = ("副局长" if "局" in unit_name else "副主任"), "division", "副职"
            elif position <= team + chiefs:
                post, rank, role = SECTIONS[position % len(SECTIONS)] + "科长", "section", "无"
            else:
                post, rank, role = SECTIONS[position % len(SECTIONS)] + "科员", "staff", "无"
            charge = ""
            if role == "副职":
                own = [code, *children.get(code, [])[(position - 1) % 2 :][:1]]
                charge = "；".join(own)
            appointed = as_of - timedelta(days=rng.randint(20, 2400))
            discipline, discipline_on = "无", ""
            if number % 41 == 7:  # about 2.5 % with signs of violating discipline
                discipline = rng.choice(["谈话函询", "提醒谈话", "苗头性倾向性问题"])
                discipline_on = (as_of - timedelta(days=rng.randint(10, 300))).isoformat()
            elif number % 67 == 11:  # about 1.5 % disciplined, some long enough ago to be past
                discipline = "受处分"
                discipline_on = (as_of - timedelta(days=rng.randint(60, 1100))).isoformat()
            party = (
                "中共党员" if rng.random() > 0.1 else rng.choice(["群众", "民盟盟员", "无党派人士"])
            )
            reserve = "是" if rank in {"section", "staff"} and rng.random() < 0.06 else "否"
            phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
            rows.append(
                [
                    f"E{number:06d}",
                    _name(rng),
                    code,
                    unit_name,
                    parent or "",
                    post,
                    {"division": "县处级", "section": "乡科级", "staff": "一般干部"}[rank],
                    role,
                    charge,
                    party,
                    _date_text(rng, appointed),
                    reserve,
                    discipline,
                    discipline_on,
                    phone if rng.random() > 0.03 else "",
                    f"e{number:06d}@gov.example.cn",
                ]
            )
    return rows


def _date_text(rng: random.Random, day: date) -> str:
    # HR exports mix date forms; the roster contract accepts them all.
    return rng.choice(
        [
            day.isoformat(),
            f"{day.year}/{day.month}/{day.day}",
            f"{day.year}年{day.month}月{day.day}日",
        ]
    )


def with_mistakes(rows: list[list[str]]) -> list[list[str]]:
    """A few rows as clerks really get them wrong: each is rejected, the rest still go in."""
    if len(rows) < 10:
        return rows
    broken = [list(rows[3]), list(rows[7]), list(rows[5])]
    broken[0][14] = "138001380"  # a digit short
    broken[1][10] = "2023年13月"  # no such month
    # broken[2] repeats an employee id that is already on the roster
    return rows + broken


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def completion_rows(
    enrolments: Iterable[tuple[str, str, str, date]],
    as_of: date,
    seed: int = 7,
    since: date = date.min,
) -> list[list[str]]:
    """Sign-in sheet rows for sessions held after `since` up to `as_of`, with two bad rows.

    Enrolments are (session, employee, programme, day).
    """
    rng = random.Random(seed)
    rows: list[list[str]] = []
    for session_code, employee_id, _programme, held_on in enrolments:
        if not since < held_on <= as_of:
            continue
        roll = rng.random()
        if roll < 0.04:
            continue  # nobody recorded them: they stay outstanding
        status = "已参加" if roll < 0.88 else ("请假" if roll < 0.94 else "缺席")
        score = str(rng.randint(80, 100) if rng.random() > 0.06 else rng.randint(40, 59))
        rows.append(
            [
                employee_id,
                session_code,
                "",
                held_on.isoformat(),
                status,
                score if status == "已参加" else "",
                "2" if status == "已参加" else "0",
            ]
        )
    rows.append(["E999999", rows[0][1] if rows else "", "", as_of.isoformat(), "已参加", "90", "2"])
    rows.append(
        [
            rows[0][0] if rows else "E000001",
            "",
            "不存在的项目",
            as_of.isoformat(),
            "线上完成",
            "",
            "2",
        ]
    )
    return rows


COMPLETION_HEADER = ["工号", "场次编号", "培训项目", "参训日期", "参训情况", "成绩", "学时"]
