"""Xiqing district's flagship store (西青旗舰店): a district plugin for Jinzhi."""

DISTRICT = "120101"  # 西青区 in the demo city
